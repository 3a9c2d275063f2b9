/** Icon path data (24×24, stroke-based; styled by CSS). Drawn for Jumeau. */
export const ICONS = {
  home: ['M3 11 12 3l9 8', 'M5 10v10h5v-6h4v6h5V10'],
  zoomIn: ['M12 5v14', 'M5 12h14'],
  zoomOut: ['M5 12h14'],
  orbitLeft: ['M20 12a8 8 0 1 1-3-6.2', 'M17 2v4h-4'],
  orbitRight: ['M4 12a8 8 0 1 0 3-6.2', 'M7 2v4h4'],
  north: ['M12 3 7 20l5-4 5 4z'],
  share: ['M8 12h8', 'M10 7H7a5 5 0 0 0 0 10h3', 'M14 7h3a5 5 0 0 1 0 10h-3'],
  sources: ['M12 8v.01', 'M11 11h1v6h1', 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z'],
  legend: ['M4 5h4v4H4z', 'M4 15h4v4H4z', 'M11 7h9', 'M11 17h9'],
  sun: ['M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8z', 'M12 2v2', 'M12 20v2', 'M2 12h2', 'M20 12h2', 'M4.9 4.9l1.4 1.4', 'M17.7 17.7l1.4 1.4', 'M4.9 19.1l1.4-1.4', 'M17.7 6.3l1.4-1.4'],
  help: ['M9.5 9a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.6V14', 'M12 17v.01', 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z'],
  close: ['M6 6l12 12', 'M18 6 6 18'],
  layers: ['M12 3 3 8l9 5 9-5z', 'M3 12.5l9 5 9-5', 'M3 17l9 5 9-5'],
  upload: ['M12 15V4', 'M7 9l5-5 5 5', 'M4 15v4a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-4'],
  search: ['M10.5 4a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13z', 'M15.5 15.5 21 21'],
} as const;
