"""Qt widgets, dialogs and item models. Knows services, never SQL or sessions directly:
every database call goes through `tasks.TaskRunner` with a service function."""
