SITEGEN_SEARCH_CHUNK("w/61-73",{"as":"2","assignee":"0.1.1.1"});
