"""An event-sourced bank on Samsa: ``accounts`` (commands, conditional appends), ``projector``
(a SQLite read model), ``alerts`` (reactions) and ``rebuild``. See README.md here."""
