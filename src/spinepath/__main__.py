"""``python -m spinepath`` runs the command line."""

import sys

from spinepath.cli import main

sys.exit(main())
