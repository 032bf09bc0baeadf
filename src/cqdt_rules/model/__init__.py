"""The frozen model every stage shares: the ruleset (``ruleset``) and the units assessed against it (``units``)."""
