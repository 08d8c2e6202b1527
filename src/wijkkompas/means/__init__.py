"""Regular means (reguliere middelen) per area: the table, its import and the concentration
analysis — does the regular money follow the need the afwegingskader ranks?

* :mod:`~wijkkompas.means.table` reads and checks a file (long ``gebied,domein,jaar,bedrag`` or
  wide, one domain per column; euros, FTE or hours);
* :mod:`~wijkkompas.means.store` holds the table and writes an import in one transaction, with
  the import runs and audit trail of every other import;
* :mod:`~wijkkompas.means.concentration` computes the population-weighted concentration index
  and curve (O'Donnell et al. 2008);
* :mod:`~wijkkompas.means.allocation` is the what-if: shift a share of one domain toward need.
"""
