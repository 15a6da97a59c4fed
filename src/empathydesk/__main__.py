from empathydesk.cli import main

raise SystemExit(main())
