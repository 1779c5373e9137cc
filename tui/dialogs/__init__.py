"""Modal dialogs: small questions asked over a screen, each dismissed with its answer."""
