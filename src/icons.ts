/*
 * The Symphony icon: three beamed notes rising over a baseline, a melody
 * that reads as a trend. `jp-icon3` lets JupyterLab's themes recolor it.
 */
import { LabIcon } from '@jupyterlab/ui-components';

export const SYMPHONY_ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <rect x="2" y="21" width="20" height="1.2" rx="0.6"/>
    <ellipse cx="5.2" cy="16.6" rx="2.6" ry="1.9" transform="rotate(-22 5.2 16.6)"/>
    <ellipse cx="11.7" cy="13.2" rx="2.6" ry="1.9" transform="rotate(-22 11.7 13.2)"/>
    <ellipse cx="18.2" cy="9.8" rx="2.6" ry="1.9" transform="rotate(-22 18.2 9.8)"/>
    <rect x="6.3" y="8.6" width="1.5" height="8"/>
    <rect x="12.8" y="5.4" width="1.5" height="7.8"/>
    <rect x="19.3" y="2.2" width="1.5" height="7.6"/>
    <polygon points="6.3,8.6 20.8,1.6 20.8,3.8 6.3,10.8"/>
  </g>
</svg>`;

export const symphonyIcon = new LabIcon({
  name: 'symphony-lab:symphony',
  svgstr: SYMPHONY_ICON_SVG
});
