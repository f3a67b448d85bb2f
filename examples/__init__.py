"""Example services built on Samsa's public client (``client``), as a user would build them."""
