"""``python -m gateway.cli``: the ``clientgate`` command."""

import sys

from . import main

sys.exit(main())
