/** The book's one stylesheet: readable defaults that leave fonts and sizes to the reading system. */
export const STYLESHEET = `body { margin: 0 0.5em; line-height: 1.4; }
h1, h2, h3, h4, h5, h6 { line-height: 1.2; margin: 1.2em 0 0.5em; page-break-after: avoid; break-after: avoid; }
p, div.para { margin: 0.4em 0; text-align: left; }
pre { white-space: pre-wrap; word-wrap: break-word; overflow-wrap: break-word; font-size: 0.85em;
  margin: 0.6em 0; padding: 0.4em; background: #f4f4f4; border-left: 3px solid #ccc; }
code { font-family: monospace; }
pre code { font-size: 1em; }
table { border-collapse: collapse; margin: 0.6em 0; max-width: 100%; }
th, td { border: 1px solid #999; padding: 0.2em 0.4em; vertical-align: top; text-align: left; }
th { font-weight: bold; }
figure { margin: 0.8em 0; text-align: center; page-break-inside: avoid; break-inside: avoid; }
figure img { max-width: 100%; height: auto; }
div.rule { margin: 0.6em 0; text-align: center; }
div.rule img { display: inline-block; width: 100%; height: 2px; vertical-align: middle; }
figcaption, p.caption { font-size: 0.9em; font-style: italic; text-align: center; }
ul.list, ol.list { list-style: none; padding-left: 1.2em; }
ul.list li, ol.list li { margin: 0.2em 0; text-indent: -1.2em; padding-left: 1.2em; }
.marker { display: inline-block; min-width: 1em; }
div.footnote { font-size: 0.85em; margin: 0.4em 0; }
.cover { margin: 0; padding: 0; text-align: center; }
.cover img { max-width: 100%; max-height: 100%; }
nav ol { list-style: none; }
`;
