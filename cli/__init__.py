"""The `retro` command: every subcommand, headless unless it hosts the TUI."""
