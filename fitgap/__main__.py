from fitgap.cli.main import main

raise SystemExit(main())
