// The article form's helpers: a name and a word count for the body editor, "Place in story" buttons on the
// story's saved photos, and a drop zone for adding several photos at once.
"use strict";
{
  let bodyEditor = null

  function countWords(text) {
    const words = text.trim().match(/\S+/gu)
    return words ? words.length : 0
  }

  document.addEventListener("prose-editor:ready", (event) => {
    const { editor, textarea } = event.detail
    if (textarea.name !== "body") return
    bodyEditor = editor
    // Said outright: the library's own default is off (its NoSpellCheck extension, disabled in the model).
    editor.view.dom.setAttribute("spellcheck", "true")
    // The editable area stands in for the textarea, which the field's label names: a screen reader says it too.
    const label = document.querySelector(`label[for="${textarea.id}"]`)
    if (label) editor.view.dom.setAttribute("aria-label", label.textContent.trim().replace(/:$/, ""))
    const counter = document.createElement("p")
    counter.className = "word-count help"
    counter.setAttribute("aria-live", "polite")
    const update = () => {
      const words = countWords(editor.getText())
      counter.textContent = `${words.toLocaleString("en-GB")} ${words === 1 ? "word" : "words"}`
    }
    editor.on("update", update)
    update()
    const editorBox = textarea.closest(".prose-editor")
    ;(editorBox.closest(".flex-container") || editorBox).after(counter)
    document.querySelectorAll("button[data-place-photo]").forEach((button) => { button.disabled = false })
  })

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-place-photo]")
    if (!button || !bodyEditor) return
    event.preventDefault()
    bodyEditor.chain().focus().insertPhotoFigure(button.dataset.placePhoto).run()
  })

  // Files dropped on the zone join the multiple file input: the next save checks them and adds a row each.
  document.addEventListener("DOMContentLoaded", () => {
    const input = document.querySelector("input[type=file][name=add_photos]")
    if (!input) return
    const zone = document.createElement("div")
    zone.className = "photo-drop-zone"
    zone.textContent = "Or drop photos here"
    input.after(zone)
    const list = document.createElement("ul")
    list.className = "photo-drop-list"
    zone.after(list)
    const show = () => {
      list.replaceChildren(...Array.from(input.files, (file) => {
        const item = document.createElement("li")
        item.textContent = file.name
        return item
      }))
    }
    input.addEventListener("change", show)
    zone.addEventListener("dragover", (event) => {
      event.preventDefault()
      zone.classList.add("photo-drop-zone--over")
    })
    zone.addEventListener("dragleave", () => zone.classList.remove("photo-drop-zone--over"))
    zone.addEventListener("drop", (event) => {
      event.preventDefault()
      zone.classList.remove("photo-drop-zone--over")
      const files = new DataTransfer()
      for (const file of input.files) files.items.add(file)
      for (const file of event.dataTransfer.files) {
        if (file.type.startsWith("image/")) files.items.add(file)
      }
      input.files = files.files
      show()
    })
  })
}

// Tag suggestions: existing tags that match what is typed after the last comma, from the admin's own
// autocomplete (the tags' admin searches them), offered through a <datalist> for the whole field's value.
{
  document.addEventListener("DOMContentLoaded", () => {
    const input = document.querySelector("input[name=tags][data-suggestions-url]")
    if (!input) return
    const list = document.createElement("datalist")
    list.id = "tag-suggestions"
    input.after(list)
    input.setAttribute("list", list.id)
    let pending = null
    input.addEventListener("input", () => {
      clearTimeout(pending)
      pending = setTimeout(async () => {
        const parts = input.value.split(",")
        const term = parts.pop().trim()
        if (!term) return list.replaceChildren()
        const chosen = parts.map((part) => part.trim()).filter(Boolean)
        const query = new URLSearchParams({ app_label: "articles", model_name: "article", field_name: "tags", term })
        const response = await fetch(`${input.dataset.suggestionsUrl}?${query}`, { credentials: "same-origin" })
        if (!response.ok) return
        const { results } = await response.json()
        const prefix = chosen.length ? `${chosen.join(", ")}, ` : ""
        list.replaceChildren(...results
          .filter(({ text }) => !chosen.includes(text))
          .map(({ text }) => {
            const option = document.createElement("option")
            option.value = `${prefix}${text}`
            return option
          }))
      }, 150)
    })
  })
}
