/**
 * The colours the HTML report's charts draw with, handed to its client script in the chart data
 * (the script holds no colour of its own). Each is solid and keeps WCAG 2.1's 3:1 contrast for
 * graphical objects (success criterion 1.4.11) against the page's white, and the chart text its
 * 4.5:1 (1.4.3): a status drawn in a pale amber or grey, or at 60 % opacity, fell to 2:1 and
 * vanished for a reader with low vision. Segments of a stacked bar and marks over a bar are set
 * apart by a white edge, since two statuses need not contrast with each other; the tables and
 * legends name every status in words, so none is told by colour alone.
 */

/** The chart colours, as the client script reads them from `data.colors`. */
export const CHART = {
  /** The canvas background: the page's. */
  background: '#ffffff',
  /** Axis ticks, titles and legend text. */
  text: '#595959',
  /** The edge between stacked segments and around marks drawn over a bar. */
  separator: '#ffffff',
  /** A clock's bar, by status; `other` for a status without a colour of its own. */
  status: {
    met: '#2e7d32',
    met_late: '#b45309',
    breached: '#c62828',
    pending: '#1565c0',
    waived: '#757575',
    paused: '#6a1b9a',
    other: '#616161',
  },
  /** The marks of a case timeline. */
  marks: { warning: '#c43e00', completed: '#2e7d32', breach: '#c62828', event: '#37474f' },
  /** The series of the time-to-action and compliance charts. */
  series: { medianHours: '#1565c0', legalLimit: '#616161', onTime: '#000000' },
} as const
