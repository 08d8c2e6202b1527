"""What residents say: survey and participation results per area and theme (bewoners).

A result is one area, one theme (a theme of the indicator catalogue, or a free theme mapped to
one), one year and one measure: the share of respondents naming the theme as a priority
(``aandeel``), a 1–10 satisfaction score (``rapportcijfer``) or a survey index such as the
Rotterdam Wijkprofiel's subjective indices (``index``, 100 = Rotterdam 2014), with the number of
respondents and optionally a margin.

* :mod:`~wijkkompas.residents.measures`: the measures, when residents see a need, small samples;
* :mod:`~wijkkompas.residents.themes`: free theme names mapped to the catalogue's themes;
* :mod:`~wijkkompas.residents.read`: the readers (a table, a Wijkprofiel workbook);
* :mod:`~wijkkompas.residents.compare`: "wat de cijfers zeggen – wat bewoners zeggen";
* :mod:`~wijkkompas.residents.store`: the table and the all-or-nothing import.
"""
