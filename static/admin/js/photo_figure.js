// The body editor's "photo" node: one of the story's photos placed at a point in the text.
// Stored as an empty <figure data-photo="ID">, the one form the sanitiser keeps (articles/html.py);
// the reader's figure (renditions, caption, credit) replaces it when the story is saved.
import { Node, mergeAttributes } from "django-prose-editor/editor"

export const PhotoFigure = Node.create({
  name: "photoFigure",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addAttributes() {
    return {
      photo: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-photo"),
        renderHTML: (attributes) => ({ "data-photo": attributes.photo }),
      },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-photo]", priority: 60 }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", mergeAttributes(HTMLAttributes)]
  },

  addNodeView() {
    return ({ node }) => {
      const dom = document.createElement("figure")
      dom.setAttribute("data-photo", node.attrs.photo)
      dom.className = "placed-photo"
      dom.contentEditable = "false"
      const preview = document.querySelector(`img[data-photo-preview="${node.attrs.photo}"]`)
      if (preview) {
        const image = document.createElement("img")
        image.src = preview.src
        image.alt = ""
        dom.append(image)
      }
      const label = document.createElement("figcaption")
      label.textContent = preview
        ? `Photo #${node.attrs.photo}: ${preview.dataset.photoAlt}`
        : `Photo #${node.attrs.photo} (not one of this story's photos: readers will not see it)`
      dom.append(label)
      return { dom }
    }
  },

  addCommands() {
    return {
      insertPhotoFigure:
        (photo) =>
        ({ commands }) =>
          commands.insertContent({ type: this.name, attrs: { photo: String(photo) } }),
    }
  },
})
