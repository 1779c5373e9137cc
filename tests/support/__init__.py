"""What the tests share: one websocket client, fixed sessions, a browser, waiting, and ready-made retros."""
