"""Pure domain rules of Beian: identifiers, code lists, filing rules. No Flask, no database."""
