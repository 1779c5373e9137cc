"""A phone whose browser speaks a given language (navigator.languages and Accept-Language both), and what
its page shows of that language and of its reading direction."""

from playwright.async_api import Browser, Page, expect

from tests.support.browser import PHONE_VIEWPORT
from tests.support.phone_page import PhoneInBrowser


async def phone_in(browser: Browser, locale: str, *, dark: bool = False) -> PhoneInBrowser:
    context = await browser.new_context(
        viewport=PHONE_VIEWPORT, color_scheme="dark" if dark else "light", locale=locale
    )
    page = await context.new_page()
    phone = PhoneInBrowser(context=context, page=page)
    page.on("pageerror", lambda error: phone.problems.append(f"page error: {error}"))
    return phone


async def join_in(browser: Browser, url: str, locale: str, *, dark: bool = False) -> PhoneInBrowser:
    """The phone opens the join link and is connected, whatever its language calls that."""
    phone = await phone_in(browser, locale, dark=dark)
    await phone.page.goto(url)
    await expect(phone.page.get_by_test_id("status")).to_have_attribute("data-state", "connected")
    return phone


async def language_of(page: Page) -> tuple[str, str]:
    """The page's `<html lang dir>`."""
    lang, direction = await page.evaluate(
        "() => [document.documentElement.lang, document.documentElement.dir || 'ltr']"
    )
    return str(lang), str(direction)


USER_TEXT_PROBLEMS = """(texts) => {
  const problems = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const found = texts.find((text) => node.data.includes(text));
    if (!found) continue;
    const holder = node.parentElement;
    const owner = holder.closest('bdi, [dir]');
    if (!owner || !(owner.localName === 'bdi' || owner.getAttribute('dir') === 'auto')) {
      problems.push(found + ' in <' + holder.localName + ' class="' + holder.className + '">');
    }
  }
  for (const field of document.querySelectorAll('textarea, input[type=text]')) {
    if (field.getAttribute('dir') !== 'auto') problems.push('the field #' + field.id);
  }
  return problems;
}"""


async def user_text_not_isolated(page: Page, texts: list[str]) -> list[str]:
    """Every place one of these texts shows whose direction is not taken from the text itself (`dir="auto"`
    or a `<bdi>`), and every text box without `dir="auto"`."""
    problems: list[str] = await page.evaluate(USER_TEXT_PROBLEMS, texts)
    return problems
