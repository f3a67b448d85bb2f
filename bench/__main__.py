"""``python -m bench``: see ``bench/run.py``.

The harness needs the ``bench`` extra (the load generator, plots, latency histograms); without
it, one line says what is missing and how to install it, before anything runs.
"""

import importlib.util
import sys

#: Modules every run needs (peers such as NATS and RabbitMQ are optional: their cases are
#: reported as not run when missing), with the package that provides each.
REQUIRED = {
    "confluent_kafka": "confluent-kafka",
    "matplotlib": "matplotlib",
    "hdrh": "hdrhistogram",
}


def _missing() -> list[str]:
    return [package for module, package in REQUIRED.items() if not importlib.util.find_spec(module)]


if __name__ == "__main__":
    missing = _missing()
    if missing and not {"-h", "--help"} & set(sys.argv[1:]):
        print(
            f"python -m bench: error: {', '.join(missing)} not installed; the benchmarks need "
            "the bench extra: .venv/bin/pip install -e '.[bench]'",
            file=sys.stderr,
        )
        raise SystemExit(1)

    from bench.run import main

    raise SystemExit(main())
