"""The main window's actions — each with its text, keyboard shortcuts,
tooltip and "What's This?" text — and its menu bar. The actions are made
here and connected by the window, which decides what each one does.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMenuBar, QWhatsThis


def _action(window: QMainWindow, text: str, shortcuts: list[str], tip: str, whats_this: str) -> QAction:
    action = QAction(text, window)
    if shortcuts:
        action.setShortcuts([QKeySequence(item) for item in shortcuts])
    action.setStatusTip(tip)
    action.setToolTip(tip)
    action.setWhatsThis(whats_this)
    # Added to the window, so the shortcuts work wherever the focus is in it
    # (and Help → Keyboard shortcuts can list them).
    window.addAction(action)
    return action


class MainActions(QObject):
    labelRequested = Signal(int)        # a "Label drawing as" action: the digit

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._file_actions(window)
        self._edit_actions(window)
        self._model_actions(window)
        self._view_actions(window)
        self.labelAs = [_action(window, f"Label drawing as {digit}", [str(digit)],
                                f"Save the drawing as a {digit} in My handwriting",
                                "Tells digitpad which digit you meant: the drawing is saved under it in My "
                                "handwriting, and the model can later be adapted to your handwriting.")
                        for digit in range(10)]
        for digit, action in enumerate(self.labelAs):
            action.triggered.connect(lambda checked=False, chosen=digit: self.labelRequested.emit(chosen))
        self.shortcuts = _action(window, "&Keyboard shortcuts", ["F1"], "List every keyboard shortcut",
                                 "Lists the keys for everything in the menus.")
        self.about = _action(window, "&About digitpad", [], "What digitpad is and which version this is",
                             "Shows digitpad's version and what it is made of.")
        # Qt's own "What's This?" mode: the next click on any control explains it.
        self.whatsThis = QWhatsThis.createAction(window)
        self.whatsThis.setShortcuts([QKeySequence("Shift+F1")])
        self.whatsThis.setStatusTip("Click this, then on any part of the window to learn what it is for")
        self.whatsThis.setWhatsThis("Turns the pointer into a question mark: click any button, chart or "
                                    "picture and digitpad explains what it shows and what it is for.")
        window.addAction(self.whatsThis)

    def _file_actions(self, window: QMainWindow) -> None:
        self.openImage = _action(window, "Open &image…", ["Ctrl+O"], "Read a digit from a picture file",
                                 "Reads a digit or a number from a photo or scan (on paper or a screen) "
                                 "and puts its ink on the canvas. You can also drop a picture on the canvas.")
        self.openCheckpoint = _action(window, "&Open checkpoint…", ["Ctrl+Shift+O"],
                                      "Use a model saved as a digitpad checkpoint",
                                      "A checkpoint is a trained network saved to a file: its weights and "
                                      "how it was trained. Opening one makes it the model that reads your "
                                      "drawings.")
        self.saveCheckpoint = _action(window, "&Save checkpoint as…", ["Ctrl+Shift+S"],
                                      "Save the model in use to a file",
                                      "Saves the model in use (its weights and what is known about it) to a "
                                      "file of your choice, to keep or share.")
        self.quit = _action(window, "&Quit", ["Ctrl+Q"], "Close digitpad",
                            "Closes digitpad. Your samples and settings are already saved.")

    def _edit_actions(self, window: QMainWindow) -> None:
        self.undo = _action(window, "&Undo stroke", ["Ctrl+Z"], "Remove the last stroke",
                            "Removes the last stroke you drew; the network reads what is left at once.")
        self.clear = _action(window, "&Clear", ["Esc", "Delete"], "Clear the canvas",
                             "Wipes the canvas so you can write the next digit.")
        self.thinner = _action(window, "Thinner pen", ["["], "Draw with a thinner pen",
                               "Makes the pen 2 pixels thinner.")
        self.thicker = _action(window, "Thicker pen", ["]"], "Draw with a thicker pen",
                               "Makes the pen 2 pixels thicker.")

    def _view_actions(self, window: QMainWindow) -> None:
        self.networkView = _action(window, "&Network view", ["Ctrl+Shift+N"],
                                   "Show or hide every layer of the network at work on your drawing",
                                   "Shows the network beside the canvas, unit by unit, while you draw: the "
                                   "picture it receives, how active each unit of each hidden layer is, the "
                                   "ten outputs, and the strongest connections into the answer. Point at a "
                                   "unit for its numbers; click it to see its weights.")
        self.whyAnswer = _action(window, "&Why this answer", ["Ctrl+Shift+W"],
                                 "Show or hide which pixels made the network choose its answer",
                                 "Shows your drawing coloured by which pixels pushed the network towards its "
                                 "answer and which pushed it away — for the answer and for the runner-up, "
                                 "side by side, so you can see why a 4 was read as a 9.")
        for action in (self.networkView, self.whyAnswer):
            action.setCheckable(True)
        self.pointMap = _action(window, "&Point map…", ["Ctrl+Shift+P"],
                                "The test digits as points: see how each layer sorts them, with your drawing live",
                                "Shows the MNIST test digits as points on a map, one dot per digit coloured by "
                                "the digit written, laid out by their numbers at a layer you choose (PCA or "
                                "t-SNE): digits the network holds alike land close together. Your drawing "
                                "is a star that moves as you draw.")
        self.dataView = _action(window, "MNIST at a &glance…", ["Ctrl+Shift+D"],
                                "The data the network learnt from: digits per class, average digits, pixels",
                                "Shows the MNIST data set at a glance: how many training and test digits "
                                "there are of each digit, the average of each digit, how bright the pixels "
                                "are, and random samples.")

    def _model_actions(self, window: QMainWindow) -> None:
        self.stepThrough = _action(window, "&Step through a digit…", ["Ctrl+T"],
                                   "Follow one digit through the network, layer by layer, with the real numbers",
                                   "Shows how the network reads one digit — your drawing, live, or an MNIST "
                                   "test digit — one step at a time with its real numbers: the pixels, each "
                                   "layer's weights, biases, weighted sums and activations, then the softmax "
                                   "that turns scores into probabilities. Hover any number to see its "
                                   "arithmetic.")
        self.lab = _action(window, "&Lab…", ["Ctrl+L"], "Change the network and see what happens",
                           "Opens the lab: switch units of the network off, shift their biases, scale their "
                           "weights, prune or jitter all the weights, or set the softmax temperature, and "
                           "watch what happens to your drawing and to the MNIST test digits. The model in "
                           "use changes only if you choose to keep the edited one.")
        self.retrain = _action(window, "&Retrain…", ["Ctrl+R"], "The training lab: train a new network on MNIST and watch inside it",
                               "Trains a new network from scratch on the 60,000 MNIST training digits, "
                               "with settings you choose, and shows inside it while it learns: loss, "
                               "gradients and dead units per layer, the first layer's units forming, "
                               "and a diagnosis of problems. Pause it, step one batch or one epoch, "
                               "slow it down, and change its learning rate while it trains.")
        self.evaluate = _action(window, "&Evaluate on MNIST test set", ["Ctrl+E"],
                                "Score the model on the 10,000 MNIST test digits",
                                "Runs the model on the 10,000 MNIST test digits, which it never trained on, "
                                "and tells how many it recognises: the usual measure of a digit recogniser.")
        self.misclassified = _action(window, "&Misclassified examples…", ["Ctrl+M"],
                                     "Browse the test digits the model gets wrong",
                                     "Shows every test digit the model misreads, with a confusion matrix of "
                                     "which digits it mixes up.")
        self.modelInfo = _action(window, "Model &info…", ["Ctrl+I"],
                                 "What the model in use is and how it was made",
                                 "Shows the model's layers and size, how it was trained and how well it "
                                 "scored.")
        self.robustness = _action(window, "&Robustness report…", [],
                                  "How the model copes with rotated, scaled, thick, noisy and pen-drawn digits",
                                  "Measures how the accuracy falls as test digits are rotated, scaled, moved, "
                                  "thickened or made noisy, and when they are redrawn with a pen.")
        self.samples = _action(window, "My &handwriting…", ["Ctrl+H"], "The drawings you labelled",
                               "Shows the drawings you labelled with their digit, to check, relabel, delete, "
                               "export or import them.")
        self.adapt = _action(window, "&Adapt to my handwriting…", [],
                             "Fine-tune the model on your labelled drawings",
                             "Fine-tunes a copy of the model on the drawings you labelled, so it reads your "
                             "handwriting better, and shows the accuracy before and after.")


def build_menus(menu_bar: QMenuBar, actions: MainActions, recent: QMenu) -> None:
    """File, Edit, View, Model and Help, with ``recent`` under File."""
    file_menu = menu_bar.addMenu("&File")
    _fill(file_menu, [actions.openImage, None, actions.openCheckpoint, actions.saveCheckpoint])
    file_menu.addMenu(recent)
    _fill(file_menu, [None, actions.quit])
    edit_menu = menu_bar.addMenu("&Edit")
    _fill(edit_menu, [actions.undo, actions.clear, None, actions.thinner, actions.thicker])
    _fill(edit_menu.addMenu("&Label drawing as"), actions.labelAs)
    _fill(menu_bar.addMenu("&View"), [actions.networkView, actions.whyAnswer, None, actions.pointMap,
                                      actions.dataView])
    model_menu = menu_bar.addMenu("&Model")
    _fill(model_menu, [actions.retrain, actions.evaluate, actions.misclassified, actions.robustness, None,
                       actions.samples, actions.adapt, None, actions.modelInfo])
    model_menu.insertAction(actions.modelInfo, actions.lab)
    model_menu.insertAction(actions.modelInfo, actions.stepThrough)
    _fill(menu_bar.addMenu("&Help"), [actions.whatsThis, actions.shortcuts, None, actions.about])


def _fill(menu: QMenu, items: list[QAction | None]) -> None:
    """Add ``items`` to ``menu``, None for a separator."""
    for item in items:
        if item is None:
            menu.addSeparator()
        else:
            menu.addAction(item)
