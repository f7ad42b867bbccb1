'use strict';
// Accessible names that the Django admin's widgets lack (WCAG 2.1 1.3.1, 4.1.2), added once
// the admin's own scripts have built them (loaded at the end of the body by
// templates/admin/base_site.html, so this runs after their own handlers):
// - inputs in tabular inlines: named by their column heading;
// - the date and time halves of a date-time field: by the field's label and the half;
// - autocomplete fields (select2): by the label of the field (or column), then their value;
// - the search icons of filter_horizontal: an image with the label it already has.
{
    const clean = (text) => (text || '').replace(/\s+/g, ' ').replace(/[\s:*]+$/, '').trim();
    const named = (el) => el.labels.length > 0 || el.hasAttribute('aria-label')
        || el.hasAttribute('aria-labelledby');

    function tabularInlines(root) {
        root.querySelectorAll('.tabular table').forEach((table) => {
            const group = table.closest('.inline-group');
            const headings = table.querySelectorAll('thead th');
            table.querySelectorAll('tbody td').forEach((cell) => {
                const column = [...cell.classList].find((name) => name.startsWith('field-'));
                const heading = column
                    ? table.querySelector(`thead th.column-${column.slice(6)}`)
                    : cell.classList.contains('delete') && headings[headings.length - 1];
                if (!heading || !clean(heading.textContent)) return;
                if (!heading.id) heading.id = `${group ? group.id : 'inline'}-${column || 'delete'}`;
                cell.querySelectorAll('input:not([type=hidden]), select, textarea').forEach((el) => {
                    if (!named(el)) el.setAttribute('aria-labelledby', heading.id);
                });
            });
        });
    }

    function splitDateTimes(root) {
        root.querySelectorAll('p.datetime').forEach((p) => {
            const row = p.closest('.form-row, .fieldBox, td');
            const label = row && row.querySelector('label');
            const field = label ? clean(label.textContent) : '';
            p.querySelectorAll('input.vDateField, input.vTimeField').forEach((el) => {
                const before = el.previousSibling;
                const part = before && before.nodeType === Node.TEXT_NODE
                    ? clean(before.textContent) : '';
                if (!named(el)) el.setAttribute('aria-label', clean(`${field} ${part}`));
            });
        });
    }

    function autocompletes(root) {
        root.querySelectorAll('select.admin-autocomplete').forEach((select) => {
            const container = select.nextElementSibling;
            if (!container || !container.classList.contains('select2')) return;
            const label = select.labels[0];  // none in a tabular inline: its column heading
            if (label && !label.id) label.id = `${select.id}-label`;
            const nameId = label ? label.id : (select.getAttribute('aria-labelledby') || '');
            if (!nameId) return;
            const box = container.querySelector('.select2-selection');
            const rendered = container.querySelector('.select2-selection__rendered');
            if (box) {
                const value = rendered && rendered.id ? ` ${rendered.id}` : '';
                box.setAttribute('aria-labelledby', nameId + value);
            }
            if (rendered && rendered.id) rendered.setAttribute('aria-labelledby', nameId);
            container.querySelectorAll('.select2-search__field').forEach((el) => {
                el.setAttribute('aria-labelledby', nameId);
            });
            // the chosen values are shown in a list that also holds the "clear" control
            if (rendered && rendered.tagName === 'UL') rendered.setAttribute('role', 'presentation');
        });
    }

    function filterIcons(root) {
        root.querySelectorAll('.search-label-icon[aria-label]').forEach((icon) => {
            icon.setAttribute('role', 'img');
        });
    }

    function name(root) {
        tabularInlines(root);
        splitDateTimes(root);
        autocompletes(root);
        filterIcons(root);
    }

    // filter_horizontal is built on `load`, select2 when jQuery is ready (possibly later)
    window.addEventListener('load', () => name(document));
    if (window.django && window.django.jQuery) window.django.jQuery(() => name(document));
    document.addEventListener('formset:added', (event) => {
        name(event.target.closest('form') || document);
    });
}
