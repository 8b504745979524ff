"""Two-step sign-in: the factors and the page gate (`factors`), its pages (`views`, `urls`)."""
