/** English function words plus the words researchers wrap questions in ("which papers ..."). */
export const STOPWORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both but by
  can could did do does doing down during each few for from further had has have having he her here hers herself him himself
  his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours
  ourselves out over own same she should so some such than that the their theirs them themselves then there these they this
  those through to too under until up very was we were what when where which while who whom why will with would you your
  yours yourself yourselves also any anyone anything tell show give find list me us use used using via vs versus
  paper papers work works approach approaches method methods propose proposed study studies research researchers
  existing new way ways get got let lets make makes made know known like one two many much well does did done`
    .split(/\s+/)
    .filter(Boolean),
);
