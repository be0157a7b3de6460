"""One module per sidebar area. Each defines a `Page` subclass named in main_window.AREAS."""
