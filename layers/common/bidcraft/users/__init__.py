"""Users: the profile every capability reads (`User`), its Upwork mapping and its sign-in activity."""
