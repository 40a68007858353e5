"""The study window's card browser: what it lists, and suspending or resetting a card. A mixin
of StudyWindow, which owns the progress file, the learner and their card schedules."""

from __future__ import annotations

from triggermap.services.card_browser import browse_cards, card_history
from triggermap.services.study_cards import DeckFilter, build_deck
from triggermap.storage.study_progress import StudyProgressUnavailable, clean_learner_name


class CardBrowsing:
    """Card browser methods of the study window."""

    def _suspended(self, typed_name: str | None = None) -> set[str]:
        """The cards the learner (the one loaded, or the one named on the setup page) has
        suspended."""
        if self.progress is None:
            return set()
        try:
            name = self.learner if typed_name is None else clean_learner_name(typed_name)
            return self.progress.suspended_cards(name)
        except (ValueError, StudyProgressUnavailable):
            return set()

    def show_browser(self) -> None:
        """Open the card browser for the learner named on the setup page."""
        self.setup_page.message.clear()
        if not self._load_learner(self.setup_page.learner_name()):
            return
        self.browser_page.message.clear()
        self._fill_browser()
        self.pages.setCurrentWidget(self.browser_page)
        # the last search stays, selected: typing starts a new one
        self.browser_page.search.setFocus()
        self.browser_page.search.selectAll()

    def _fill_browser(self, keep_key: str = "") -> None:
        if self.progress is None:
            return
        page = self.browser_page
        catalogue = self.context.catalogue
        try:
            reviews = self.progress.reviews(self.learner)
            suspended = self.progress.suspended_cards(self.learner)
        except StudyProgressUnavailable as error:
            page.message.setText(str(error))
            return
        self._browser_reviews = reviews
        rows = browse_cards(
            catalogue,
            build_deck(catalogue, self.context.atlas, DeckFilter()),
            self.states,
            reviews,
            suspended,
            self.clock(),
            page.search.text(),
            page.region_choice.currentData() or "",
        )
        page.show_cards(self.learner, rows, keep_key)

    def _browser_history(self, card_key: str) -> None:
        self.browser_page.show_history(card_history(self._browser_reviews, card_key))

    def _suspend_card(self, card_key: str, suspend: bool) -> None:
        try:
            self.progress.set_suspended(self.learner, card_key, suspend)
        except StudyProgressUnavailable as error:
            self.browser_page.message.setText(str(error))
            return
        self._fill_browser(card_key)

    def _reset_card(self, card_key: str) -> None:
        try:
            self.progress.reset_card(self.learner, card_key)
        except StudyProgressUnavailable as error:
            self.browser_page.message.setText(str(error))
            return
        self.states = self.progress.card_states(self.learner)
        self._fill_browser(card_key)
