"""A year of contacts and needs for the demo town: each service's profile, a generator with no ORM, and its loader."""
