"""Workers (劳动者): check a person's record (prepare), register one (register), look one up by
ID number and reveal a full number, audited (lookup)."""
