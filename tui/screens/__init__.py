"""Full screens: the lobby, the board, and private screening before the reveal."""
