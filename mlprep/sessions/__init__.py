"""Study sessions, one module per mode. They talk to the ports in `sessions.ports` (a Prompter
and a Recorder), never to a terminal or to the progress store directly; `sessions.base` holds
what they share."""
