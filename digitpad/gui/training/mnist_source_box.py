"""Where the Retrain dialog's training digits come from: MNIST found where
digitpad usually looks (and downloaded, checksums verified, when missing),
or the MNIST files in a folder the user chooses. The dialog connects
``browseButton`` to its folder chooser.
"""

from __future__ import annotations

from PySide6.QtWidgets import (QButtonGroup, QGroupBox, QHBoxLayout, QLineEdit, QPushButton, QRadioButton,
                               QVBoxLayout, QWidget)

from digitpad.gui.common.explain import explain


class MnistSourceBox(QGroupBox):
    def __init__(self, folder: str = "", parent: QWidget | None = None) -> None:
        super().__init__("Where the training digits come from", parent)
        self.setObjectName("mnistSource")
        self.autoData = explain(QRadioButton("Find MNIST or download it\n(about 11 MB, checksums verified)"),
                                "Use MNIST where digitpad finds it, downloading it if needed",
                                "<p><b>Find or download MNIST</b></p><p>digitpad looks in its usual places "
                                "and downloads the four MNIST files (about 11 MB) if they are missing, "
                                "checking each against its known checksum.</p>")
        self.folderData = explain(QRadioButton("Use the MNIST files in:"),
                                  "Use the MNIST files in a folder you choose",
                                  "<p><b>MNIST folder</b></p><p>Train on the MNIST files in this folder; "
                                  "nothing is downloaded.</p>")
        self.dataFolder = explain(QLineEdit(folder), "The folder that holds the MNIST files",
                                  "<p><b>MNIST folder</b></p><p>The folder with train-images-idx3-ubyte.gz "
                                  "and the other three MNIST files.</p>")
        self.dataFolder.setObjectName("mnistFolder")
        self.browseButton = explain(QPushButton("Browse…"), "Choose the folder with the MNIST files",
                                    "<p><b>Browse</b></p><p>Pick the folder that holds the MNIST files.</p>")
        group = QButtonGroup(self)
        group.addButton(self.autoData)
        group.addButton(self.folderData)
        (self.folderData if folder else self.autoData).setChecked(True)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.dataFolder, 1)
        folder_row.addWidget(self.browseButton)
        layout = QVBoxLayout(self)
        layout.addWidget(self.autoData)
        layout.addWidget(self.folderData)
        layout.addLayout(folder_row)
        layout.addStretch(1)
