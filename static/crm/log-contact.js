'use strict';
// The "Log a contact" form (crm.notes.admin.InteractionForm):
// - the people-present autocomplete searches the chosen investor's people only,
// - a quick pick for the follow-up shows its date in the date field.
// Without this script the form still works: the people are checked when it
// is saved, and the server turns a quick pick into the date.
{
    const $ = django.jQuery;

    function forwardInvestor(element) {
        const investor = document.getElementById(element.dataset.forwardInvestor);
        // Django's autocomplete.js set the widget up already; this sets it up
        // again with the investor added to each search (select2 replaces its
        // own instance, and reads the rest of its options from data-*).
        $(element).select2({
            ajax: {
                data: (params) => ({
                    term: params.term,
                    page: params.page,
                    app_label: element.dataset.appLabel,
                    model_name: element.dataset.modelName,
                    field_name: element.dataset.fieldName,
                    investor: investor ? investor.value : ''
                })
            }
        });
        if (investor) {
            // People of the investor chosen before are no longer right.
            $(investor).on('change', () => $(element).val(null).trigger('change'));
        }
    }

    function addDays(date, days) {
        const result = new Date(date);
        result.setDate(result.getDate() + days);
        return result;
    }

    function addMonth(date) {
        const result = new Date(date.getFullYear(), date.getMonth() + 1, 1);
        const lastDay = new Date(result.getFullYear(), result.getMonth() + 1, 0).getDate();
        result.setDate(Math.min(date.getDate(), lastDay));
        return result;
    }

    const picks = {'1w': (today) => addDays(today, 7), '2w': (today) => addDays(today, 14), '1m': addMonth};

    function showQuickPicks(dateInput) {
        const radios = document.querySelectorAll('input[name="follow_up_in"]');
        radios.forEach((radio) => radio.addEventListener('change', () => {
            const pick = picks[radio.value];
            if (pick) {
                dateInput.value = pick(new Date()).strftime(get_format('DATE_INPUT_FORMATS')[0]);
            }
        }));
        // A date typed by hand is what counts: the quick pick goes back to none.
        dateInput.addEventListener('input', () => {
            radios.forEach((radio) => { radio.checked = radio.value === ''; });
        });
    }

    $(function() {
        $('select[data-forward-investor]').each((i, element) => forwardInvestor(element));
        const dateInput = document.getElementById('id_follow_up_on');
        if (dateInput) {
            showQuickPicks(dateInput);
        }
    });
}
