"""Buurtbudget (participatory budgeting): rounds, proposals, ballots and the outcome rules.

Pure core: :mod:`~wijkkompas.budgeting.model` (a round as data, money in integer cents),
:mod:`~wijkkompas.budgeting.pabulib` (the ``.pb`` reader and writer),
:mod:`~wijkkompas.budgeting.rules` (greedy by votes and the Method of Equal Shares with exact
fractions, with the completions "add1" and greedy), :mod:`~wijkkompas.budgeting.explain`
(why each proposal won or lost, and the comparison of two rules). The round's tables live in
:mod:`~wijkkompas.budgeting.store`.
"""
