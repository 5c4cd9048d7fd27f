"""Example input files for ``sov``: a governance configuration, accounts, investors with
made-up personal data, a treasury bill and a fixed-rate bond, and their allotments.

They are the network the demo builds, as files: ``sov examples list`` names them and the
command each one feeds, ``sov examples show NAME`` prints one, and ``sov examples copy DIR``
writes them all to a folder with the instruments' dates moved to a chosen issue date
(today by default), ready to edit. Data only; nothing here is imported at run time.
"""
