"""``digitpad.gui.common``: what every window uses — running work in the
background (``background``), plain-text messages and questions
(``messages``), tooltips with "What's This?" texts (``explain``), observing
the session from a widget (``observe``), asking where to save
(``save_path``), asking where MNIST is (``mnist_prompt``) and real mouse
input for tests and the self-test (``synthetic_input``).
"""
