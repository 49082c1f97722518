SITEGEN_SEARCH_CHUNK("w/61-73",{"as":"1","assignee":"0.1.1.1"});
