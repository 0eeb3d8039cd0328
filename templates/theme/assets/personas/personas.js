/* mkdocs-personas: client-side behaviour. Data from pages is only ever set with textContent. */
