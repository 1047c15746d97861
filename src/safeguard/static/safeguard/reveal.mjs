// Conditional reveal for radios: show the block that belongs to the checked radio.
//
// GOV.UK Frontend's own conditional reveal puts aria-expanded on radio inputs, which
// axe-core refuses (aria-allowed-attr), so radios marked data-sg-controls are synced
// here instead. Without JavaScript every block shows (GOV.UK Frontend hides
// .govuk-radios__conditional--hidden only when JavaScript is supported).
for (const group of document.querySelectorAll("[data-sg-reveal]")) {
  const inputs = group.querySelectorAll("input[type=radio][data-sg-controls]");
  const sync = () => {
    for (const input of inputs) {
      const target = document.getElementById(input.dataset.sgControls);
      if (target) {
        target.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
      }
    }
  };
  for (const input of inputs) {
    input.addEventListener("change", sync);
  }
  sync();
}
