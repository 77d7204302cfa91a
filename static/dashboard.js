// Draws the admin dashboard's charts (crm.dashboard) with the vendored
// Chart.js. The figures come from the page's json_script element, never from
// inline script, so the Content-Security-Policy stays strict.
"use strict";

(function () {
  const source = document.getElementById("crm-dashboard-charts");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  const money = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

  for (const chart of JSON.parse(source.textContent)) {
    const canvas = document.querySelector(`canvas[data-chart="${chart.key}"]`);
    if (!canvas) {
      continue;
    }
    const inUsd = chart.datasets.length === 1 && chart.datasets[0].label === "USD";
    new Chart(canvas, {
      type: chart.kind,
      data: {
        labels: chart.labels,
        // Decimals travel as strings (money is never a float in JSON).
        datasets: chart.datasets.map((dataset) => ({
          label: dataset.label,
          data: dataset.data.map(Number),
        })),
      },
      options: {
        animation: false,
        plugins: {
          legend: { display: !inUsd },
          tooltip: inUsd
            ? { callbacks: { label: (item) => `USD ${money.format(item.parsed.y)}` } }
            : {},
        },
        scales: { y: { beginAtZero: true } },
      },
    });
  }
})();
