"""fitgap.tui"""
