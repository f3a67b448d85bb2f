"""``python -m bench.loadgen_c [--librdkafka system|wheel] ROLE ARGS...``: build if needed and
run the C load generator."""

from bench.loadgen_c import main

raise SystemExit(main())
