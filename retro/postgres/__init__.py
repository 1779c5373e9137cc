"""The PostgreSQL engine of the event store: several `retro serve` processes on one database.

Every change to a retro's log ends its transaction with a payload-less `NOTIFY retro_events`, so that other
processes know to read new events by sequence (`EventStore.events_since`)."""
