"""python -m sitegen"""

from .cli import main

raise SystemExit(main())
