"""Workers (劳动者): staff administration within jurisdiction, ID numbers masked (admin), and the
look-up by ID number with the audited full view (lookup)."""
