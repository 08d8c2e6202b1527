META
key;value
description;VOORBEELD - buurtbudget Oranjebuurt (Assen), verzonnen voorstellen en stemmen
comment;#1: Voorbeeldbestand voor de demo van wijkkompas, geen echte ronde en geen echte uitslag.
country;Netherlands
unit;Assen
district;Oranjebuurt
instance;2026
num_projects;8
num_votes;60
budget;25000
vote_type;approval
rule;equalshares
language;nl
currency;EUR
example;1
PROJECTS
project_id;cost;votes;name;category;proposer
OB1;6000;36;Bankjes en picknicktafel in het Oranjepark;openbare ruimte;bewonersgroep Oranjepark
OB2;9500;14;Speeltoestel voor de kleintjes aan de Nassaulaan;jeugd;ouders Nassaulaan
OB3;2500;20;Buurtbibliotheekkastjes;sociaal;buurtvereniging
OB4;12000;30;Groene gevels en geveltuinen;groen;werkgroep groen
OB5;4000;32;Zomerfeest op het plein;sociaal;buurtvereniging
OB6;7500;27;Verlichting van het fietspad langs de Vaart;veiligheid;bewoner
OB7;3000;10;Taalcafe in het buurthuis;sociaal;buurthuis
OB8;30000;20;Nieuw kunstgrasveld;sport;sportclub
VOTES
voter_id;vote
1;OB1,OB3,OB6
2;OB1,OB5,OB8
3;OB1,OB2,OB5,OB8
4;OB1,OB2,OB4,OB5
5;OB1,OB4,OB5,OB6,OB8
6;OB2,OB3,OB4,OB5
7;OB5,OB6
8;OB1,OB4,OB5,OB8
9;OB1,OB8
10;OB3,OB4,OB5,OB8
11;OB1,OB2,OB4,OB5
12;OB1,OB2,OB4,OB8
13;OB1,OB2,OB3,OB5,OB8
14;OB1,OB6
15;OB1,OB4,OB5,OB6,OB8
16;OB1,OB7
17;OB1,OB6,OB8
18;OB1
19;OB1,OB7
20;OB1,OB5,OB6,OB8
21;OB1,OB2,OB8
22;OB1,OB4,OB7
23;OB2,OB3,OB5
24;OB1,OB5,OB6
25;OB3,OB4,OB6
26;OB1,OB2,OB4,OB5,OB7,OB8
27;OB1
28;OB1,OB5
29;OB6
30;OB1,OB5,OB8
31;OB1,OB2,OB6,OB7
32;OB5,OB6
33;OB1,OB5,OB6,OB8
34;OB1,OB5
35;OB1,OB5,OB8
36;OB1,OB4,OB5
37;OB2,OB3,OB4,OB5
38;OB2,OB4
39;OB6
40;OB1,OB3,OB4,OB5,OB6
41;OB3,OB4,OB5
42;OB3,OB4,OB6
43;OB1,OB3,OB4
44;OB4,OB6,OB7,OB8
45;OB1,OB3,OB5,OB6
46;OB3,OB4,OB6,OB8
47;OB1,OB3,OB5,OB6
48;OB1,OB3,OB4,OB6
49;OB4,OB6,OB7
50;OB3,OB4,OB5,OB6
51;OB2,OB3,OB5,OB7
52;OB2,OB3,OB7
53;OB3,OB4,OB5
54;OB3,OB4,OB5,OB6,OB7
55;OB4,OB5,OB8
56;OB4
57;OB1,OB4,OB6
58;OB1,OB4,OB6
59;OB4,OB8
60;OB6
