/** The report's print stylesheet, in the page only while a report can be printed (A4 landscape is not for every page). */
import css from './print.css?inline';

let users = 0;
let element: HTMLStyleElement | null = null;

export function attachPrintStyle(): () => void {
  users++;
  if (!element) {
    element = document.createElement('style');
    element.dataset.owner = 'plan-report';
    element.textContent = css;
    document.head.append(element);
  }
  return () => {
    users--;
    if (users === 0 && element) {
      element.remove();
      element = null;
    }
  };
}
