"""Build of the optional C extension; the project's metadata lives in pyproject.toml.

``protocol.records._recordcheck`` speeds up the record walk of produce validation. It is
optional: without a compiler the build goes on without it, and ``protocol.records.validate``
falls back to the pure-Python walk (``protocol/records/recordcheck.py``) with the same verdicts.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "protocol.records._recordcheck",
            sources=["protocol/records/_recordcheck.c"],
            optional=True,
        )
    ]
)
