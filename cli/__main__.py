"""`python -m cli`: the same as the `retro` command."""

import sys

from cli.main import main

sys.exit(main())
