"""The headless layers and the CLI's non-TUI commands never load Textual."""

import subprocess
import sys

HEADLESS = ["fitgap.domain.models", "fitgap.storage.schema", "fitgap.services.catalog", "fitgap.services.status",
            "fitgap.services.demo", "fitgap.importers.catalog", "fitgap.cli.main"]


def test_importing_headless_layers_does_not_load_textual():
    code = "import sys\n" + "".join(f"import {m}\n" for m in HEADLESS) + "print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_status_command_runs_without_textual(tmp_path):
    db = tmp_path / "x.db"
    code = (
        "import sys\nfrom fitgap.cli.main import main\n"
        f"main(['--db', {str(db)!r}, 'init'])\nmain(['--db', {str(db)!r}, 'status'])\n"
        "print('TEXTUAL', 'textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "TEXTUAL False" in out
