// editor.js - one form open at a time on a screen that lists things (style
// rules, routing rules, modules): editing puts the form in place of the
// item, adding puts it in the "new" region and hides the add button. Escape
// or Cancel puts things back and returns the focus; a save reloads the list.

import { replace } from './dom.js';

/**
 * inlineEditor({newRegion, addButton, reload}) -> {edit(item, make, editingClass), add(make)}.
 * make(onSaved) builds the form and returns {form, cancel, first}; the form
 * calls onSaved(saved) once the server has it, and reload({focus: saved.id})
 * shows the list again.
 */
export function inlineEditor({ newRegion, addButton, reload }) {
  let restore = null; // puts back what the open form replaced

  function close() {
    if (restore) restore();
    restore = null;
  }

  function wire({ form, cancel, first }, focusBack) {
    form.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        cancel.click();
      }
    });
    cancel.addEventListener('click', () => {
      close();
      focusBack();
    });
    first.focus();
  }

  function edit(item, make, editingClass) {
    close();
    const made = make((saved) => {
      restore = null;
      reload({ focus: saved.id });
    });
    const keep = [...item.childNodes];
    replace(item, made.form);
    if (editingClass) item.classList.add(editingClass);
    restore = () => {
      if (editingClass) item.classList.remove(editingClass);
      replace(item, keep);
    };
    wire(made, () => item.querySelector('button')?.focus());
  }

  function add(make) {
    close();
    const put = () => {
      replace(newRegion);
      addButton.hidden = false;
    };
    const made = make((saved) => {
      restore = null;
      put();
      reload({ focus: saved.id });
    });
    replace(newRegion, made.form);
    addButton.hidden = true;
    restore = put;
    wire(made, () => addButton.focus());
  }

  return { edit, add };
}
