"""Session logic. Sessions talk to a Prompter and a recorder, never to a terminal."""
