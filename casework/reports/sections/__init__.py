"""The sections of the year's figures, in the seed's order (hardship help,
wage bargaining, legal service, honours, the work itself). Importing this
package declares them all."""

from casework.reports.sections import bargaining, hardship, honours, legal, work

__all__ = ["bargaining", "hardship", "honours", "legal", "work"]
